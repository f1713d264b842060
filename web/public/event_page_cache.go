package public

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/secret"
	"github.com/roster-app/roster/web/internal/pagecache"
)

// cachedEventPage is what the page cache holds for one event, for the
// cache's time-to-live (a second, and emptied by any change made through
// this server):
//
//   - data, the page as every visitor sees it without its token, from
//     which the variants are rendered per request: a discount code from
//     ?code= (it can unlock hidden ticket types), the notice after an
//     abandoned checkout (?released=1);
//   - plain, the page a visitor with neither sees, rendered once with a
//     hole where the form's token goes. Unless hasPlain is false (the hole
//     could not be found), each such visitor gets it with a new token
//     spliced in.
//
// Both are as of the moment they were made: the seats left, the ticket
// types' sale phases and quotas, and which dates are past or "Starting
// soon" are at most the time-to-live stale, as the seat counts always
// were.
type cachedEventPage struct {
	data     eventPageData
	plain    pagecache.Page
	hasPlain bool
}

// eventPageEntry returns the event's cached page, loading and rendering
// it if the cache has none (visitors who miss it at the same moment wait
// for one load) or, past half its time-to-live, for this visitor alone
// (see pagecache.Cache.GetOrLoad). It returns events' not_found for an
// event that does not exist or is not public (nothing is cached for it).
func (s *handlers) eventPageEntry(c echo.Context, slug string) (*cachedEventPage, error) {
	cached, err := s.Pages.GetOrLoad("event:"+slug, func() (any, error) {
		e, err := s.Events.PublicEvent(c.Request().Context(), slug)
		if err != nil {
			return nil, err
		}
		data, err := s.eventPageData(c, e, bookForm{Values: url.Values{}})
		if err != nil {
			return nil, err
		}
		entry := &cachedEventPage{data: data}
		plain := data
		plain.Nonce = pagecache.NewMarker()
		plain.Pricing = newPricingView(e, "", s.Now())
		body, err := s.RenderBytes("event.html", plain)
		if err != nil {
			return nil, err
		}
		entry.plain, entry.hasPlain = pagecache.Cut(body, plain.Nonce)
		return entry, nil
	})
	if err != nil {
		return nil, err
	}
	return cached.(*cachedEventPage), nil
}

// plainEventPage reports whether the request asks for the page every
// visitor sees alike: no discount code, no notice.
func plainEventPage(c echo.Context) bool {
	return c.QueryParam("released") != "1" && booking.NormalizeCode(c.QueryParam("code")) == ""
}

// writeWithToken answers 200 with page and a new form token in its hole.
func writeWithToken(c echo.Context, page pagecache.Page) error {
	token := secret.RandomString(18)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderContentLength, strconv.Itoa(page.Size(token)))
	c.Response().WriteHeader(http.StatusOK)
	return page.Write(c.Response(), token)
}
