package candor

import "time"

// Letter batch states: what has happened to the batch's paper.
const (
	LettersGenerated  = "generated"  // made; its PDF and manifest can be downloaded
	LettersDownloaded = "downloaded" // someone downloaded its PDF (for the printer)
	LettersMailed     = "mailed"     // posted on MailedOn
	LettersReturned   = "returned"   // mailed, and some letters came back undelivered
)

// LetterBatch is the printed letters of one approved customer notice made
// at once, for the customers who have a postal address and no e-mail, or
// whose e-mail failed or bounced. A customer is in at most one batch per
// notice, whatever is retried: the letter equivalent of deliveries_once.
type LetterBatch struct {
	ID           string
	DisclosureID string
	IncidentID   string
	Revision     int // the approved revision the letters print
	State        string
	Filter       SendFilter
	Total        int // letters
	Returned     int // letters that came back
	CreatedBy    string
	DownloadedAt *time.Time
	MailedOn     string // YYYY-MM-DD, the day the batch was posted; "" until then
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Letter is one customer's letter in a batch, with its own reference.
type Letter struct {
	ID         string
	BatchID    string
	CustomerID string
	Reference  string
	Locale     string
	Country    string
	Status     string // generated, returned
	// FirstPage and Pages place the letter in its part's PDF, as the last
	// print of the part found it; 0 until the part is printed.
	FirstPage, Pages int
}

// LettersPerPart is how many letters one PDF of a batch holds (letters.pdf
// ?part=N): a file a print shop takes, and a print job Chromium finishes
// quickly. Printing slows with the document's size (candor bench letters,
// 2,000 letters on this machine: 12.3 ms of Chromium's CPU a letter in
// parts of 250, 34 ms in parts of 1,000, which also need half again the
// memory), so parts are 250 letters (1,000 until 2026-12-07).
const LettersPerPart = 250
