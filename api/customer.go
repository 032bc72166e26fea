package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// CustomerStore keeps affected customers.
type CustomerStore interface {
	ImportCustomers(ctx context.Context, incidentID string, r roster.Reader, progress func(store.ImportProgress)) (candor.ImportReport, error)
	ListCustomers(ctx context.Context, f candor.CustomerFilter) (store.Page[candor.Customer], error)
	GetCustomer(ctx context.Context, id string) (candor.Customer, error)
	UpdateCustomer(ctx context.Context, id string, change func(*candor.CustomerInput) error) (candor.Customer, error)
	EraseCustomer(ctx context.Context, id string) (candor.Customer, error)
	EachCustomer(ctx context.Context, incidentID string, fn func(candor.Customer) error) error
	PossibleDuplicateCustomers(ctx context.Context, incidentID string) (map[string]bool, error)
}

// customerResponse is a customer as the API shows it.
type customerResponse struct {
	ID             string     `json:"id"`
	IncidentID     string     `json:"incident_id"`
	ExternalID     string     `json:"external_id"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	PostalAddress  string     `json:"postal_address"`
	AddressLines   []string   `json:"address_lines"`
	City           string     `json:"city"`
	PostalCode     string     `json:"postal_code"`
	Phone          string     `json:"phone"`
	Country        string     `json:"country"`
	Region         string     `json:"region"`
	Locale         string     `json:"locale"`
	DataCategories []string   `json:"data_categories"`
	Channel        string     `json:"channel"`
	Status         string     `json:"status"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	ErasedAt       *time.Time `json:"erased_at"`
}

func toCustomerResponse(c candor.Customer) customerResponse {
	return customerResponse{ID: c.ID, IncidentID: c.IncidentID, ExternalID: c.ExternalID, Name: c.Name, Email: c.Email,
		PostalAddress: c.PostalAddress, AddressLines: orEmpty(c.AddressLines), City: c.City, PostalCode: c.PostalCode,
		Phone: c.Phone, Country: c.Country, Region: c.Region, Locale: c.Locale,
		DataCategories: c.DataCategories, Channel: c.Channel, Status: c.Status, CreatedAt: c.CreatedAt,
		UpdatedAt: c.UpdatedAt, ErasedAt: c.ErasedAt}
}

// importCustomers streams the body (CSV or a JSON array) into the store:
// rows are read, checked and written batch by batch, never held whole.
func (s *Server) importCustomers(c *gin.Context) {
	rd, err := roster.NewReader(c.GetHeader("Content-Type"), c.Request.Body, roster.Options{})
	if err != nil {
		writeError(c, err)
		return
	}
	rep, err := s.store.ImportCustomers(c.Request.Context(), c.Param("id"), rd, nil)
	var ie *store.ImportError
	if errors.As(err, &ie) {
		// Say what landed: those batches committed, and re-importing the
		// corrected file is safe (rows upsert).
		c.Set(problemExtraKey, gin.H{"landed": ie.Landed, "landed_through_line": ie.ThroughLine})
		writeError(c, ie.Err)
		return
	}
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

func (s *Server) listCustomers(c *gin.Context) {
	n, err := pageLimit(c)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := s.store.ListCustomers(c.Request.Context(), candor.CustomerFilter{IncidentID: c.Param("id"),
		Country: c.Query("country"), Region: c.Query("region"), Locale: c.Query("locale"), Status: c.Query("status"),
		Q: c.Query("q"), Cursor: c.Query("cursor"), Limit: n})
	if err != nil {
		writeError(c, err)
		return
	}
	out := store.Page[customerResponse]{Items: make([]customerResponse, len(page.Items)), NextCursor: page.NextCursor}
	for i, cu := range page.Items {
		out.Items[i] = toCustomerResponse(cu)
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) getCustomer(c *gin.Context) {
	cu, err := s.store.GetCustomer(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCustomerResponse(cu))
}

// customerPatch is the writable part of a customer, as a merge patch.
type customerPatch struct {
	ExternalID     *string   `json:"external_id"`
	Name           *string   `json:"name"`
	Email          *string   `json:"email"`
	PostalAddress  *string   `json:"postal_address"`
	AddressLines   *[]string `json:"address_lines"`
	City           *string   `json:"city"`
	PostalCode     *string   `json:"postal_code"`
	Phone          *string   `json:"phone"`
	Country        *string   `json:"country"`
	Region         *string   `json:"region"`
	Locale         *string   `json:"locale"`
	DataCategories *[]string `json:"data_categories"`
}

func (s *Server) updateCustomer(c *gin.Context) {
	var p customerPatch
	if err := decode(c, &p); err != nil {
		writeError(c, err)
		return
	}
	cu, err := s.store.UpdateCustomer(c.Request.Context(), c.Param("id"), func(in *candor.CustomerInput) error {
		for _, f := range []struct {
			dst *string
			src *string
		}{{&in.ExternalID, p.ExternalID}, {&in.Name, p.Name}, {&in.Email, p.Email}, {&in.PostalAddress, p.PostalAddress},
			{&in.Country, p.Country}, {&in.Region, p.Region}, {&in.Locale, p.Locale}, {&in.City, p.City},
			{&in.PostalCode, p.PostalCode}, {&in.Phone, p.Phone}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if p.DataCategories != nil {
			in.DataCategories = *p.DataCategories
		}
		if p.AddressLines != nil {
			in.AddressLines = *p.AddressLines
		}
		return nil
	})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCustomerResponse(cu))
}

func (s *Server) eraseCustomer(c *gin.Context) {
	cu, err := s.store.EraseCustomer(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCustomerResponse(cu))
}

// exportCustomers streams every customer as CSV, cells escaped against
// formula injection. Once the first row is written the status is sent, so
// a failure after it can only cut the file short; the last line then says
// so instead of ending silently.
func (s *Server) exportCustomers(c *gin.Context) {
	id := c.Param("id")
	if _, err := s.store.GetIncident(c.Request.Context(), id); err != nil {
		writeError(c, err)
		return
	}
	// Who may have received a notice twice (possible_duplicate, the
	// last column).
	dups, err := s.store.PossibleDuplicateCustomers(c.Request.Context(), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="customers-`+id+`.csv"`)
	c.Header("Cache-Control", "no-store")
	err = roster.WriteExport(c.Writer, dups, func(fn func(candor.Customer) error) error {
		return s.store.EachCustomer(c.Request.Context(), id, fn)
	})
	if err != nil {
		s.cfg.Logger.Error("export customers", "request_id", c.GetString(requestIDKey), "error", err.Error())
	}
}
