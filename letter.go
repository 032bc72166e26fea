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
	PartSize     int    // letters a PDF part holds: LettersPerPart when the batch was made
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

// LettersPerPart is how many letters one PDF of a new batch holds
// (letters.pdf?part=N): a file a print shop takes, and a print job Chromium
// finishes quickly. Printing a page costs Chromium time in proportion to
// the whole document (each page is painted from the document's paint
// tree), so a letter costs more in a longer part: candor bench letters,
// 9,000 letters on this machine, 8.7-8.8 ms of Chromium's CPU a letter in
// parts of 100 against 9.5-11.1 in parts of 250, at 700 MB of Chromium's
// memory against 1.1-1.3 GB (34 ms a letter in parts of 1,000). A batch
// keeps the part size it was made with (LetterBatch.PartSize): 1,000 until
// 2026-12-07, 250 until batches kept theirs.
const LettersPerPart = 100
