package main

import (
	"fmt"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
)

// organisation is the organisation as notices name it, from the
// CANDOR_ORG_* settings (checked by checkOrg at start).
func (c Config) organisation() compose.Organisation {
	o := compose.Org(c.OrgName, c.OrgContactEmail, c.OrgContactPhone, c.OrgWebsiteURL)
	o.Signatory = strings.TrimSpace(c.OrgSignatory)
	o.Names, _ = perLanguage(c.OrgNames)
	o.Signatories, _ = perLanguage(c.OrgSignatories)
	return o
}

// perLanguage parses "ja=川崎重工業株式会社|th=…" into a map by language key.
func perLanguage(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, item := range strings.Split(s, "|") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("%q is not LANGUAGE=TEXT", item)
		}
		key, err := candor.LanguageKey(strings.TrimSpace(k))
		if err != nil {
			return nil, err
		}
		out[key] = strings.TrimSpace(v)
	}
	return out, nil
}

// orgWarnings says which of the organisation's settings are still the
// examples Candor ships with: notices would name "Example Corporation"
// and give privacy@example.com as the contact.
func (c Config) orgWarnings() []string {
	var w []string
	if c.OrgName == "" || c.OrgName == "Example Corporation" {
		w = append(w, "CANDOR_ORG_NAME is not set: notices name \"Example Corporation\" unless an incident has a reporting_entity")
	}
	if c.OrgContactEmail == "" || strings.HasSuffix(c.OrgContactEmail, "@example.com") {
		w = append(w, "CANDOR_ORG_CONTACT_EMAIL is not set: notices give "+orDash(c.OrgContactEmail)+" as the contact")
	}
	if c.OrgContactPhone == "" {
		w = append(w, "CANDOR_ORG_CONTACT_PHONE is not set: notices give no telephone contact")
	}
	return w
}

// checkOrg refuses malformed per-language settings, so a typo stops start-up
// instead of silently dropping a language's name.
func (c Config) checkOrg() error {
	if _, err := perLanguage(c.OrgNames); err != nil {
		return fmt.Errorf("CANDOR_ORG_NAMES: %v", err)
	}
	if _, err := perLanguage(c.OrgSignatories); err != nil {
		return fmt.Errorf("CANDOR_ORG_SIGNATORIES: %v", err)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
