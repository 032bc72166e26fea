package candor

import "time"

// NoticeCheck is what the public lookup page (/notices/check) may say
// about a notice reference: whether it is genuine, how and when the notice
// went out, and where the incident's statement is. It never holds the
// recipient's name or address: the page is public, and anyone may type a
// reference they found.
type NoticeCheck struct {
	Reference string
	Channel   string     // ChannelEmail or "letter"
	SentAt    *time.Time // an e-mail: when the relay accepted it; nil until then
	MailedOn  string     // a letter: the day its batch was posted (YYYY-MM-DD); "" until then
	// Location is the incident's zone: the page shows SentAt in it.
	Location      *time.Location
	StatementSlug string // the incident's published statement
	// EmailChecked is set when the reader asked "was I affected?" with an
	// e-mail address, EmailMatches when it is the notice's recipient's.
	EmailChecked bool
	EmailMatches bool
}

// ChannelLetter is a printed letter's channel in a NoticeCheck.
const ChannelLetter = "letter"
