package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// customerFilter is the list's filter as typed, with its errors.
type customerFilter struct {
	Q, Country, Region, Locale, Status string
	Errors                             map[string]string
	Unplaced                           []string
}

type customerRow struct {
	ID, ExternalID, Name, Email, Country, Region, Locale, Channel, Status string
	Erased                                                                bool
}

type customersData struct {
	ID, Title, Next      string
	Filter               customerFilter
	Statuses             []string
	Items                []customerRow
	CanImport, CanExport bool
}

// customers is GET /api/v1/incidents/:id/customers as a page: the same
// filters (q, country, region, locale, status), a page of 50 at a time,
// the fields the API shows a viewer.
func (cs *Console) customers(c *gin.Context) {
	l, ctx := lang(c), c.Request.Context()
	in, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	f := customerFilter{Q: c.Query("q"), Country: c.Query("country"), Region: c.Query("region"), Locale: c.Query("locale"),
		Status: c.Query("status"), Errors: map[string]string{}}
	d := customersData{ID: in.ID, Title: localTitle(in, l), Filter: f, CanImport: may(c, candor.RoleComms),
		CanExport: may(c, candor.RoleComms), Statuses: []string{candor.CustomerPending, candor.CustomerQueued,
			candor.CustomerSent, candor.CustomerFailed, candor.CustomerBounced, candor.CustomerPostal}}
	page, err := cs.store.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Q: f.Q, Country: f.Country,
		Region: f.Region, Locale: f.Locale, Status: f.Status, Cursor: c.Query("cursor"), Limit: 50})
	if candor.ErrorCode(err) == candor.EINVALID {
		for _, fe := range candor.ErrorFields(err) {
			switch fe.Field {
			case "q", "country", "region", "locale", "status":
				d.Filter.Errors[fe.Field] = fe.Message
			default:
				d.Filter.Unplaced = append(d.Filter.Unplaced, fe.Field+": "+fe.Message)
			}
		}
		cs.render(c, http.StatusUnprocessableEntity, "customers", tr(l, "cust_list")+" · "+d.Title, d)
		return
	} else if err != nil {
		cs.fail(c, err)
		return
	}
	for _, cu := range page.Items {
		d.Items = append(d.Items, customerRow{ID: cu.ID, ExternalID: cu.ExternalID, Name: cu.Name, Email: cu.Email,
			Country: cu.Country, Region: cu.Region, Locale: cu.Locale, Channel: cu.Channel, Status: cu.Status, Erased: cu.Erased()})
	}
	if page.NextCursor != nil {
		q := url.Values{"cursor": {*page.NextCursor}}
		for k, v := range map[string]string{"q": f.Q, "country": f.Country, "region": f.Region, "locale": f.Locale, "status": f.Status} {
			if v != "" {
				q.Set(k, v)
			}
		}
		d.Next = "/console/incidents/" + in.ID + "/customers?" + q.Encode()
	}
	cs.render(c, http.StatusOK, "customers", tr(l, "cust_list")+" · "+d.Title, d)
}

type deliveryView struct {
	Disclosure, Kind, Status, When, Reference, LastError string
	Attempts                                             int
	Duplicate                                            bool
}

type customerData struct {
	IncidentID, IncidentTitle, Timezone string
	C                                   candor.Customer
	Created, Updated, Erased            string
	Categories                          string
	Deliveries                          []deliveryView
	CanErase, Confirm, Done             bool
}

// customerPage gathers a customer, their incident and their deliveries
// (times in the incident's zone).
func (cs *Console) customerPage(c *gin.Context) (customerData, bool) {
	l, ctx := lang(c), c.Request.Context()
	cu, err := cs.store.GetCustomer(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return customerData{}, false
	}
	in, err := cs.store.GetIncident(ctx, cu.IncidentID)
	if err != nil {
		cs.fail(c, err)
		return customerData{}, false
	}
	ds, err := cs.store.CustomerDeliveries(ctx, cu.ID)
	if err != nil {
		cs.fail(c, err)
		return customerData{}, false
	}
	loc := cs.location(in)
	d := customerData{IncidentID: in.ID, IncidentTitle: localTitle(in, l), Timezone: loc.String(), C: cu,
		Created: formatTime(l, cu.CreatedAt, loc), Updated: formatTime(l, cu.UpdatedAt, loc),
		Categories: strings.Join(cu.DataCategories, ", "), CanErase: may(c, candor.RoleLegal) && !cu.Erased()}
	if cu.ErasedAt != nil {
		d.Erased = formatTime(l, *cu.ErasedAt, loc)
	}
	for _, x := range ds {
		d.Deliveries = append(d.Deliveries, deliveryOf(l, x, loc))
	}
	return d, true
}

func deliveryOf(l string, x store.CustomerDelivery, loc *time.Location) deliveryView {
	v := deliveryView{Disclosure: x.DisclosureTitle, Kind: x.DisclosureKind, Status: x.Status, Reference: x.Reference,
		LastError: x.LastError, Attempts: x.Attempts, Duplicate: x.PossibleDuplicate, When: formatTime(l, x.CreatedAt, loc)}
	if x.SentAt != nil {
		v.When = formatTime(l, *x.SentAt, loc)
	}
	return v
}

func (cs *Console) customer(c *gin.Context) {
	d, ok := cs.customerPage(c)
	if !ok {
		return
	}
	d.Done = c.Query("erased") == "1"
	cs.render(c, http.StatusOK, "customer", tr(lang(c), "cust_customer"), d)
}

// eraseForm is the confirmation step before an erasure.
func (cs *Console) eraseForm(c *gin.Context) {
	d, ok := cs.customerPage(c)
	if !ok {
		return
	}
	if d.C.Erased() {
		cs.renderError(c, http.StatusConflict, "cust_already_erased")
		return
	}
	d.Confirm = true
	cs.render(c, http.StatusOK, "customer", tr(lang(c), "cust_erase"), d)
}

// eraseCustomer is DELETE /api/v1/customers/:id (legal): the store blanks
// the personal fields and audits it.
func (cs *Console) eraseCustomer(c *gin.Context) {
	cu, err := cs.store.EraseCustomer(c.Request.Context(), c.Param("id"))
	if candor.ErrorCode(err) == candor.ECONFLICT {
		cs.renderError(c, http.StatusConflict, "cust_already_erased")
		return
	} else if err != nil {
		cs.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/customers/"+cu.ID+"?erased=1")
}
