package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

// TOTP (RFC 6238) is a person's optional second sign-in step. The secret
// is personal: it is sealed with the data key like an e-mail. Enrolment
// stores the new key as pending; only a correct code from it turns it on,
// so nobody locks themself out with a secret their app never got.

// totpSkew accepts the code of the step before and after the current one
// (a phone's clock a little off).
const totpSkew = 1

// totpStep is RFC 6238's time step.
const totpStep = 30

// BeginTOTP makes a new TOTP key for the person id, kept as pending, and
// returns its otpauth:// URI (for an app or a QR code). A pending key
// replaces any earlier pending one; an active key stays active until the
// new one is confirmed. Errors: ENOTFOUND, EUNAVAILABLE without a data key.
func (db *DB) BeginTOTP(ctx context.Context, id, issuer string) (string, error) {
	kr, err := db.keyring()
	if err != nil {
		return "", err
	}
	a, err := db.GetAccount(ctx, id)
	if err != nil {
		return "", err
	}
	account := a.Email
	if account == "" {
		account = a.Name
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpStep,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("generate totp key: %w", err)
	}
	enc, err := kr.Encrypt(key.URL())
	if err != nil {
		return "", fmt.Errorf("seal totp key: %w", err)
	}
	err = db.transaction(ctx, func(tx *gorm.DB) error {
		return tx.Model(&accountRow{}).Where("id = ? AND disabled_at IS NULL", id).Update("totp_pending_enc", enc).Error
	})
	if err != nil {
		return "", fmt.Errorf("begin totp: %w", err)
	}
	return key.URL(), nil
}

// PendingTOTP returns the pending key's otpauth:// URI. Errors: ENOTFOUND
// when there is none.
func (db *DB) PendingTOTP(ctx context.Context, id string) (string, error) {
	var r accountRow
	if !validID(id) {
		return "", candor.Errorf(candor.ENOTFOUND, "no TOTP enrolment")
	}
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return "", translate("read totp", "person", err)
	}
	if r.TotpPendingEnc == nil {
		return "", candor.Errorf(candor.ENOTFOUND, "no TOTP enrolment")
	}
	return db.unsealKey(*r.TotpPendingEnc)
}

func (db *DB) unsealKey(enc string) (string, error) {
	kr, err := db.keyring()
	if err != nil {
		return "", err
	}
	u, err := kr.Decrypt(enc)
	if err != nil {
		return "", fmt.Errorf("unseal totp key: %w", err)
	}
	return u, nil
}

// matchStep returns the time step whose code is code, within the skew, or
// 0. The step, not the code, is remembered: a code works once.
func matchStep(keyURL, code string, now time.Time) (int64, error) {
	key, err := otp.NewKeyFromURL(keyURL)
	if err != nil {
		return 0, fmt.Errorf("read totp key: %w", err)
	}
	if len(code) != 6 {
		return 0, nil
	}
	step := now.Unix() / totpStep
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		t := time.Unix((step+d)*totpStep, 0)
		if ok, _ := totp.ValidateCustom(code, key.Secret(), t, totp.ValidateOpts{Period: totpStep, Skew: 0,
			Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}); ok {
			return step + d, nil
		}
	}
	return 0, nil
}

// ConfirmTOTP turns the pending key on when code is its current code.
// Errors: EINVALID (field code) for a wrong code, ENOTFOUND without a
// pending key.
func (db *DB) ConfirmTOTP(ctx context.Context, id, code string) error {
	u, err := db.PendingTOTP(ctx, id)
	if err != nil {
		return err
	}
	step, err := matchStep(u, code, db.now())
	if err != nil {
		return err
	}
	if step == 0 {
		return candor.Invalid(candor.FieldError{Field: "code", Message: "is not the code your app shows now"})
	}
	return translate("confirm totp", "person", db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		res := tx.Model(&accountRow{}).Where("id = ? AND totp_pending_enc IS NOT NULL", id).
			Updates(map[string]any{"totp_enc": gorm.Expr("totp_pending_enc"), "totp_pending_enc": nil, "totp_last_step": step})
		if res.Error != nil {
			return audit{}, res.Error
		}
		if res.RowsAffected != 1 {
			return audit{}, candor.Errorf(candor.ENOTFOUND, "no TOTP enrolment")
		}
		return audit{Action: "person.totp_enable", Resource: "person", ResourceID: id}, nil
	}))
}

// CheckTOTP accepts code for the person's active key once: the step it
// belongs to must be later than the last accepted one (a conditional
// update, so of two concurrent uses of one code only one wins). Every
// failure is EUNAUTHORIZED.
func (db *DB) CheckTOTP(ctx context.Context, id, code string) error {
	fail := candor.Errorf(candor.EUNAUTHORIZED, "the code is wrong or was used already")
	var r accountRow
	if !validID(id) {
		return fail
	}
	err := db.gorm.WithContext(ctx).Where("id = ? AND disabled_at IS NULL", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && r.TotpEnc == nil) {
		return fail
	}
	if err != nil {
		return fmt.Errorf("check totp: %w", err)
	}
	u, err := db.unsealKey(*r.TotpEnc)
	if err != nil {
		return err
	}
	step, err := matchStep(u, code, db.now())
	if err != nil {
		return err
	}
	if step <= r.TotpLastStep {
		return fail
	}
	var n int64
	err = db.transaction(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&accountRow{}).Where("id = ? AND totp_last_step < ?", id, step).Update("totp_last_step", step)
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("check totp: %w", err)
	}
	if n != 1 {
		return fail
	}
	return nil
}

// ResetTOTP removes a person's TOTP key, active and pending (an admin, for
// someone who lost their phone); they sign in with their password alone
// until they enrol again. Errors: ENOTFOUND, ECONFLICT when they have none.
func (db *DB) ResetTOTP(ctx context.Context, id string) error {
	if !validID(id) {
		return candor.Errorf(candor.ENOTFOUND, "person not found")
	}
	return translate("reset totp", "person", db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		var r accountRow
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return audit{}, err
		}
		if r.TotpEnc == nil && r.TotpPendingEnc == nil {
			return audit{}, candor.Errorf(candor.ECONFLICT, "the person has no TOTP")
		}
		if err := tx.Model(&accountRow{}).Where("id = ?", id).
			Updates(map[string]any{"totp_enc": nil, "totp_pending_enc": nil}).Error; err != nil {
			return audit{}, err
		}
		return audit{Action: "person.totp_reset", Resource: "person", ResourceID: id, Summary: map[string]any{"name": r.Person.Name}}, nil
	}))
}
