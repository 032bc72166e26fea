package console

import (
	"context"
	"crypto/hmac"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// customerStore is what the customer pages need from the store: the calls
// the API's customer handlers make, and a customer's deliveries.
type customerStore interface {
	ImportCustomers(ctx context.Context, incidentID string, r roster.Reader, progress func(store.ImportProgress)) (candor.ImportReport, error)
	ListCustomers(ctx context.Context, f candor.CustomerFilter) (store.Page[candor.Customer], error)
	GetCustomer(ctx context.Context, id string) (candor.Customer, error)
	EraseCustomer(ctx context.Context, id string) (candor.Customer, error)
	EachCustomer(ctx context.Context, incidentID string, fn func(candor.Customer) error) error
	PossibleDuplicateCustomers(ctx context.Context, incidentID string) (map[string]bool, error)
	CustomerDeliveries(ctx context.Context, customerID string) ([]store.CustomerDelivery, error)
}

// customerRoutes mounts the customer pages with the roles of their API
// routes: viewers list and look, comms imports and exports, legal erases.
func (cs *Console) customerRoutes(in *gin.RouterGroup) {
	in.GET("/customers.js", cs.customerScript)
	in.GET("/incidents/:id/customers", cs.need(candor.RoleViewer), cs.customers)
	in.GET("/incidents/:id/customers/import", cs.need(candor.RoleComms), cs.importForm)
	imp := []gin.HandlerFunc{cs.need(candor.RoleComms)}
	if cs.cfg.StreamBody != nil {
		imp = append(imp, cs.cfg.StreamBody)
	}
	in.POST("/incidents/:id/customers/import", append(imp, cs.importCustomers)...)
	in.GET("/incidents/:id/customers/export.csv", cs.need(candor.RoleComms), cs.exportCustomers)
	in.GET("/customers/:id", cs.need(candor.RoleViewer), cs.customer)
	in.GET("/customers/:id/erase", cs.need(candor.RoleLegal), cs.eraseForm)
	in.POST("/customers/:id/erase", limitForm, cs.checkCSRF, cs.need(candor.RoleLegal), cs.eraseCustomer)
}

func (cs *Console) customerScript(c *gin.Context) {
	b, err := files.ReadFile("static/customers.js")
	if err != nil {
		c.AbortWithStatus(http.StatusNotFound)
		return
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", b)
}

type importData struct {
	ID, Title string
	Done      bool
	Report    candor.ImportReport
	Failure   string // a request-level error: what it was
	Landed    *candor.ImportReport
	Through   int
	MaxBytes  int64
	Limit     string // MaxBytes for people: "16 GiB"
}

func (cs *Console) importForm(c *gin.Context) {
	in, err := cs.store.GetIncident(c.Request.Context(), c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	cs.render(c, http.StatusOK, "customer_import", tr(lang(c), "cust_import"),
		importData{ID: in.ID, Title: localTitle(in, lang(c)), MaxBytes: cs.maxImport(), Limit: humanBytes(cs.maxImport())})
}

func (cs *Console) maxImport() int64 {
	if cs.cfg.MaxImportBytes > 0 {
		return cs.cfg.MaxImportBytes
	}
	return 16 << 30
}

// importCustomers streams an uploaded file into the API's import: the form
// is multipart with the CSRF token first and the file second, so the token
// is checked before a byte of the file is read, and the file is read part
// by part, never held whole (gin's form parsing would spool it first).
func (cs *Console) importCustomers(c *gin.Context) {
	l, ctx := lang(c), c.Request.Context()
	in, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	d := importData{ID: in.ID, Title: localTitle(in, l), Done: true, MaxBytes: cs.maxImport(), Limit: humanBytes(cs.maxImport())}
	again := func(status int, msg string) {
		d.Failure = msg
		cs.render(c, status, "customer_import", tr(l, "cust_import"), d)
	}
	if c.Request.ContentLength > d.MaxBytes {
		c.Header("Connection", "close")
		again(http.StatusRequestEntityTooLarge, tr(l, "cust_too_large", d.Limit))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, d.MaxBytes)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		again(http.StatusUnsupportedMediaType, tr(l, "cust_not_multipart"))
		return
	}
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "csrf" {
		cs.renderError(c, http.StatusForbidden, "csrf")
		return
	}
	tok, _ := io.ReadAll(io.LimitReader(part, 256))
	if !cs.csrfValid(c, string(tok)) {
		cs.renderError(c, http.StatusForbidden, "csrf")
		return
	}
	part, err = mr.NextPart()
	if err != nil || part.FormName() != "file" || part.FileName() == "" {
		again(http.StatusUnprocessableEntity, tr(l, "cust_no_file"))
		return
	}
	rd, err := roster.NewReader(fileType(part.FileName(), part.Header.Get("Content-Type")), part, roster.Options{})
	if err != nil {
		again(http.StatusUnsupportedMediaType, candor.ErrorMessage(err))
		return
	}
	rep, err := cs.store.ImportCustomers(ctx, in.ID, rd, nil)
	var ie *store.ImportError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &ie):
		// Say what landed: those batches committed, and importing the
		// corrected file again is safe (rows upsert).
		d.Landed, d.Through = &ie.Landed, ie.ThroughLine
		if errors.As(ie.Err, &tooLarge) {
			again(http.StatusRequestEntityTooLarge, tr(l, "cust_too_large", d.Limit))
			return
		}
		again(http.StatusBadRequest, candor.ErrorMessage(ie.Err))
	case errors.As(err, &tooLarge):
		again(http.StatusRequestEntityTooLarge, tr(l, "cust_too_large", d.Limit))
	case err != nil && candor.ErrorCode(err) != candor.EINTERNAL:
		again(http.StatusBadRequest, candor.ErrorMessage(err))
	case err != nil:
		cs.fail(c, err)
	default:
		d.Report = rep
		cs.render(c, http.StatusOK, "customer_import", tr(l, "cust_import"), d)
	}
}

// humanBytes shows a size limit: "16 GiB", "400 bytes".
func humanBytes(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// fileType is the media type the import reads a file as: by its name's
// extension, since browsers label a .csv variously (Windows says
// application/vnd.ms-excel), else as the browser labelled it.
func fileType(name, given string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".txt":
		return "text/csv"
	case ".json":
		return "application/json"
	}
	if given == "" {
		return "text/csv"
	}
	return given
}

// csrfValid checks a token as checkCSRF does, for a form it cannot parse.
func (cs *Console) csrfValid(c *gin.Context, tok string) bool {
	nonce, err := c.Cookie(csrfCookie)
	return err == nil && nonce != "" && tok != "" && hmac.Equal([]byte(tok), []byte(cs.mac("csrf", nonce)))
}

// exportCustomers is GET /api/v1/incidents/:id/customers/export.csv.
func (cs *Console) exportCustomers(c *gin.Context) {
	ctx, id := c.Request.Context(), c.Param("id")
	if _, err := cs.store.GetIncident(ctx, id); err != nil {
		cs.fail(c, err)
		return
	}
	dups, err := cs.store.PossibleDuplicateCustomers(ctx, id)
	if err != nil {
		cs.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="customers-`+id+`.csv"`)
	c.Status(http.StatusOK)
	err = roster.WriteExport(c.Writer, dups, func(fn func(candor.Customer) error) error {
		return cs.store.EachCustomer(ctx, id, fn)
	})
	if err != nil {
		cs.cfg.Logger.ErrorContext(ctx, "console export customers", "incident_id", id, "error", err.Error())
	}
}

func init() {
	words(map[string]string{
		"cust_list": "Customers", "cust_import": "Import customers", "cust_export": "Export CSV",
		"cust_file": "CSV or JSON file", "cust_upload": "Upload and import",
		"cust_file_help": "Columns as in the API's import (external_id, name, email, country, region, locale, data_categories, ...). Rows are checked and stored as the file arrives; importing the same file again updates, never duplicates. At most %s.",
		"cust_progress":  "Upload progress", "cust_sent": "Sent %d%%; the server checks and stores the rows as they arrive.",
		"cust_processing": "All sent; the server is finishing the last rows…", "cust_done": "Done.",
		"cust_net_error": "The upload failed (the connection broke). Rows already stored stay; import the file again.",
		"cust_result":    "Result", "cust_accepted": "New", "cust_updated": "Updated", "cust_unchanged": "Unchanged",
		"cust_rejected": "Rejected", "cust_errors": "Errors by line", "cust_line": "Line", "cust_field": "Field",
		"cust_message": "Message", "cust_truncated": "Only the first 1,000 errors are listed.",
		"cust_failed":    "The import stopped: %s",
		"cust_landed":    "Lines up to %d were stored (%d new, %d updated); the rest were not. Correct the file and import it again.",
		"cust_too_large": "The file is larger than %s.", "cust_not_multipart": "Send the form with a file (multipart/form-data).",
		"cust_no_file": "Choose a file to import.", "cust_search": "Search", "cust_q": "E-mail or external ID",
		"cust_country": "Country", "cust_region": "Region", "cust_locale": "Language", "cust_status": "Status",
		"cust_any": "any", "cust_filter": "Filter", "cust_none": "No customers match.", "cust_name": "Name",
		"cust_email": "E-mail", "cust_external": "External ID", "cust_channel": "Channel", "cust_erased": "erased",
		"cust_customer": "Customer", "cust_postal": "Postal address", "cust_categories": "Data categories",
		"cust_created": "Imported", "cust_updated_at": "Last changed", "cust_erased_at": "Personal data erased",
		"cust_deliveries": "Deliveries", "cust_no_deliveries": "Nothing sent to this customer yet.",
		"cust_notice": "Disclosure", "cust_when": "When", "cust_reference": "Reference", "cust_attempts": "Attempts",
		"cust_duplicate": "may have arrived twice", "cust_erase": "Erase personal data",
		"cust_erase_confirm": "Erase this customer's name, e-mail and postal address? This cannot be undone. Their identifier, country, data categories, status and deliveries stay as evidence of what was sent.",
		"cust_erase_yes":     "Erase for good", "cust_back": "Back to the customers", "cust_erase_done": "The personal data was erased.",
		"cust_next": "Next page", "cust_invalid_filter": "The filter was not applied: correct the fields marked.",
		"cust_import_no_js":   "Without JavaScript the result appears on the next page.",
		"cust_already_erased": "This customer's personal data is already erased.",
	}, map[string]string{
		"cust_list": "顧客", "cust_import": "顧客の取り込み", "cust_export": "CSV を書き出す",
		"cust_file": "CSV または JSON ファイル", "cust_upload": "アップロードして取り込む",
		"cust_file_help": "列は API の取り込みと同じです（external_id、name、email、country、region、locale、data_categories など）。行は届いた順に検査・保存されます。同じファイルを再度取り込んでも重複せず更新されます。上限 %s。",
		"cust_progress":  "アップロードの進捗", "cust_sent": "%d%% 送信済み。サーバーは届いた行から検査・保存しています。",
		"cust_processing": "送信完了。サーバーが最後の行を処理しています…", "cust_done": "完了しました。",
		"cust_net_error": "アップロードに失敗しました（接続が切れました）。保存済みの行はそのままです。もう一度取り込んでください。",
		"cust_result":    "結果", "cust_accepted": "新規", "cust_updated": "更新", "cust_unchanged": "変更なし",
		"cust_rejected": "不合格", "cust_errors": "行ごとのエラー", "cust_line": "行", "cust_field": "項目",
		"cust_message": "内容", "cust_truncated": "最初の 1,000 件のエラーのみ表示しています。",
		"cust_failed":    "取り込みが中断しました: %s",
		"cust_landed":    "%d 行目までは保存されました（新規 %d 件、更新 %d 件）。以降は保存されていません。ファイルを修正して再度取り込んでください。",
		"cust_too_large": "ファイルが %s を超えています。", "cust_not_multipart": "ファイルを添えてフォームを送信してください（multipart/form-data）。",
		"cust_no_file": "取り込むファイルを選んでください。", "cust_search": "検索", "cust_q": "メールアドレスまたは外部 ID",
		"cust_country": "国", "cust_region": "地域", "cust_locale": "言語", "cust_status": "状態",
		"cust_any": "すべて", "cust_filter": "絞り込む", "cust_none": "該当する顧客はいません。", "cust_name": "氏名",
		"cust_email": "メールアドレス", "cust_external": "外部 ID", "cust_channel": "連絡手段", "cust_erased": "消去済み",
		"cust_customer": "顧客", "cust_postal": "住所", "cust_categories": "データ分類",
		"cust_created": "取り込み日時", "cust_updated_at": "最終変更", "cust_erased_at": "個人データ消去",
		"cust_deliveries": "配信", "cust_no_deliveries": "この顧客にはまだ何も送信していません。",
		"cust_notice": "開示", "cust_when": "日時", "cust_reference": "照会番号", "cust_attempts": "試行回数",
		"cust_duplicate": "二重に届いた可能性", "cust_erase": "個人データを消去",
		"cust_erase_confirm": "この顧客の氏名、メールアドレス、住所を消去しますか？元に戻せません。識別子、国、データ分類、状態、配信記録は送信の証拠として残ります。",
		"cust_erase_yes":     "消去する", "cust_back": "顧客一覧に戻る", "cust_erase_done": "個人データを消去しました。",
		"cust_next": "次のページ", "cust_invalid_filter": "絞り込みは適用されていません。印の付いた欄を修正してください。",
		"cust_import_no_js":   "JavaScript が無効の場合、結果は次のページに表示されます。",
		"cust_already_erased": "この顧客の個人データは消去済みです。",
	})
}
