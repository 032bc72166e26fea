package render

import "strings"

// DataCategories lists the data-category codes the `categories` function
// can name in every supported language. Other codes are shown as written,
// with underscores as spaces, so an unforeseen category still reads.
func DataCategories() []string {
	return []string{
		"name", "email", "postal_address", "phone", "date_of_birth",
		"government_id", "bank_account", "payment_card", "credentials", "health",
	}
}

// canonicalCategory folds the spellings an import is likely to use onto the
// codes above.
func canonicalCategory(code string) string {
	c := strings.ToLower(strings.TrimSpace(code))
	c = strings.NewReplacer("-", "_", " ", "_").Replace(c)
	switch c {
	case "email_address", "e_mail", "mail":
		return "email"
	case "address", "home_address", "mailing_address":
		return "postal_address"
	case "phone_number", "telephone", "mobile":
		return "phone"
	case "dob", "birth_date", "birthdate":
		return "date_of_birth"
	case "national_id", "id_number", "passport", "government_id_number":
		return "government_id"
	case "bank", "bank_account_number":
		return "bank_account"
	case "credit_card", "card", "card_number":
		return "payment_card"
	case "password", "login", "username":
		return "credentials"
	case "medical", "health_data":
		return "health"
	}
	return c
}

// categoryLabels returns the names of a category in en, ja, th, id and fil,
// or nil for an unknown code. A switch, not a map, so that there is no
// package state.
func categoryLabels(code string) *[5]string {
	switch code {
	case "name":
		return &[5]string{"name", "氏名", "ชื่อ-นามสกุล", "nama", "pangalan"}
	case "email":
		return &[5]string{"email address", "メールアドレス", "ที่อยู่อีเมล", "alamat email", "email address"}
	case "postal_address":
		return &[5]string{"postal address", "住所", "ที่อยู่ทางไปรษณีย์", "alamat pos", "tirahan"}
	case "phone":
		return &[5]string{"phone number", "電話番号", "หมายเลขโทรศัพท์", "nomor telepon", "numero ng telepono"}
	case "date_of_birth":
		return &[5]string{"date of birth", "生年月日", "วันเดือนปีเกิด", "tanggal lahir", "petsa ng kapanganakan"}
	case "government_id":
		return &[5]string{"government identification number", "公的な身分証明書の番号", "เลขประจำตัวประชาชน", "nomor identitas", "numero ng ID na inisyu ng pamahalaan"}
	case "bank_account":
		return &[5]string{"bank account details", "銀行口座情報", "ข้อมูลบัญชีธนาคาร", "informasi rekening bank", "impormasyon ng bank account"}
	case "payment_card":
		return &[5]string{"payment card details", "クレジットカード情報", "ข้อมูลบัตรเครดิตหรือบัตรเดบิต", "informasi kartu kredit atau debit", "impormasyon ng credit o debit card"}
	case "credentials":
		return &[5]string{"login credentials", "ログイン情報", "ข้อมูลสำหรับเข้าสู่ระบบ", "informasi login", "impormasyon sa pag-log in"}
	case "health":
		return &[5]string{"health information", "健康に関する情報", "ข้อมูลสุขภาพ", "data kesehatan", "impormasyong pangkalusugan"}
	}
	return nil
}

// category names one data category in the locale's language.
func (l locale) category(code string) string {
	c := canonicalCategory(code)
	labels := categoryLabels(c)
	if labels == nil {
		return strings.ReplaceAll(strings.TrimSpace(code), "_", " ")
	}
	switch l.lang {
	case "ja":
		return labels[1]
	case "th":
		return labels[2]
	case "id":
		return labels[3]
	case "fil":
		return labels[4]
	}
	return labels[0]
}

// categories names data categories as a sentence would list them, without
// duplicates or blanks: "name, email address and postal address".
func (l locale) categories(codes []string) string {
	seen := make(map[string]bool, len(codes))
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		name := l.category(c)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		names = append(names, name)
	}
	return l.list(names)
}
