package candor

import "unicode/utf8"

// MaxWithdrawReason bounds the reason given for withdrawing a statement,
// as a rejection's reason is bounded.
const MaxWithdrawReason = MaxRejectReason

// WithdrawReason checks the reason given for cancelling or retracting a
// publication and returns it as it is recorded (in the audit entry). The
// API takes it optionally, as before; the console asks for one.
func WithdrawReason(reason string) (string, error) {
	reason, msg := CheckText(reason, true)
	if msg == "" && utf8.RuneCountInString(reason) > MaxWithdrawReason {
		msg = "is longer than 4000 characters"
	}
	if msg != "" {
		return reason, Invalid(FieldError{Field: "reason", Message: msg})
	}
	return reason, nil
}
