package dashboard

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/web/internal/bind"
)

type settingsData struct {
	dashPage
	// FeedURL and NewToken are shown once, right after they are made:
	// only their hashes are kept.
	FeedURL      string
	FeedHTTPSURL string
	FeedActive   bool
	NewToken     string
	NewTokenName string
	Tokens       []tokenRow
	Logins       []loginRow
	Form         dashForm
	// ReceiptAddress is printed under the coach's name on receipts.
	ReceiptAddress string
	PasswordForm   dashForm // the change-password form's messages
	InviteForm     dashForm // the invite-a-co-host form
}

type tokenRow struct {
	coaches.TokenInfo
	Created, Revoked string
}

type loginRow struct {
	coaches.Login
	Device, Started, LastSeen string
	Current                   bool
}

// settingsPage shows the coach's calendar feed, API tokens and signed-in
// devices.
func (d *dashboard) settingsPage(c echo.Context) error {
	data := d.page(c, "Settings", "settings")
	data.Notice = noticeOf(c)
	return d.renderSettings(c, http.StatusOK, settingsData{dashPage: data})
}

func (d *dashboard) renderSettings(c echo.Context, status int, data settingsData) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	feeds, err := d.Coaches.Tokens(ctx, coach.ID, coaches.FeedToken)
	if err != nil {
		return err
	}
	for _, t := range feeds {
		data.FeedActive = data.FeedActive || t.Active()
	}
	tokens, err := d.Coaches.Tokens(ctx, coach.ID, coaches.APIToken)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		row := tokenRow{TokenInfo: t, Created: t.CreatedAt.UTC().Format("2 Jan 2006")}
		if t.RevokedAt != nil {
			row.Revoked = t.RevokedAt.UTC().Format("2 Jan 2006")
		}
		data.Tokens = append(data.Tokens, row)
	}
	logins, err := d.Coaches.Logins(ctx, coach.ID)
	if err != nil {
		return err
	}
	current := loginOf(c).ID
	for _, s := range logins {
		device := deviceName(s.UserAgent)
		data.Logins = append(data.Logins, loginRow{Login: s, Device: device, Current: s.ID == current,
			Started: s.CreatedAt.UTC().Format("2 Jan 2006, 15:04 MST"), LastSeen: s.LastSeenAt.UTC().Format("2 Jan 2006, 15:04 MST")})
	}
	if data.ReceiptAddress, err = d.Coaches.ReceiptAddress(ctx, coach.ID); err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return d.Render(c, status, "dashboard_settings.html", data)
}

// rotateFeed revokes the coach's calendar feed links and shows a new one,
// once.
func (d *dashboard) rotateFeed(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	if err := d.Coaches.RevokeTokens(ctx, coach.ID, coaches.FeedToken); err != nil {
		return err
	}
	token, err := d.Coaches.CreateToken(ctx, coach.ID, coaches.FeedToken, "feed")
	if err != nil {
		return err
	}
	data := settingsData{dashPage: d.page(c, "Settings", "settings"), FeedURL: d.FeedURL(token),
		FeedHTTPSURL: d.BaseURL + "/coaches/feed.ics?token=" + token}
	data.Notice = "Your new calendar feed link is below. Any earlier link has stopped working."
	return d.renderSettings(c, http.StatusCreated, data)
}

// createToken makes a named API token and shows it, once. It asks for the
// coach's password again: a token outlives the login that made it, so a
// hijacked login cookie alone must not be enough to mint one. Password
// attempts count against the same allowance as sign-ins.
func (d *dashboard) createToken(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	data := settingsData{dashPage: d.page(c, "Settings", "settings")}
	if err := coaches.ValidateTokenName(name); err != nil {
		problem, _ := formError(err, nil)
		data.Form = dashForm{Values: map[string][]string{"name": {name}}, Errors: problem.Fields}
		data.Error = problem.Message
		return d.renderSettings(c, problem.Status, data)
	}
	coach := coachOf(c)
	if status, problem := d.confirmPassword(c, coach, c.FormValue("password")); problem != "" {
		data.Form = dashForm{Values: map[string][]string{"name": {name}}, Errors: map[string]string{"password": problem}}
		data.Error = problem
		return d.renderSettings(c, status, data)
	}
	token, err := d.Coaches.CreateToken(c.Request().Context(), coach.ID, coaches.APIToken, name)
	if err != nil {
		return err
	}
	data.NewToken, data.NewTokenName = token, name
	data.Notice = "Token created. Copy it now: it is shown only this once."
	return d.renderSettings(c, http.StatusCreated, data)
}

// revokeToken revokes one of the coach's API tokens; another coach's token
// id is 404.
func (d *dashboard) revokeToken(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	if err := d.Coaches.RevokeToken(c.Request().Context(), coachOf(c).ID, id); err != nil {
		return err
	}
	return redirectTo(c, "/dashboard/settings?done=token-revoked")
}

// deviceName names the browser and system of a User-Agent for people,
// such as "Firefox on Windows"; enough to recognise one's own devices.
func deviceName(userAgent string) string {
	ua := strings.ToLower(userAgent)
	pick := func(pairs ...string) string {
		for i := 0; i+1 < len(pairs); i += 2 {
			if strings.Contains(ua, pairs[i]) {
				return pairs[i+1]
			}
		}
		return ""
	}
	browser := pick("edg/", "Edge", "firefox/", "Firefox", "headlesschrome", "Headless Chrome", "chromium", "Chromium",
		"chrome/", "Chrome", "crios/", "Chrome", "safari/", "Safari", "curl/", "curl")
	system := pick("iphone", "iPhone", "ipad", "iPad", "android", "Android", "windows", "Windows", "mac os x", "macOS",
		"cros", "ChromeOS", "linux", "Linux")
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	return "An unknown browser"
}

// confirmPassword checks the signed-in coach's password, taking an attempt
// from the coach's sign-in allowance at this address first (given back if
// the password is right). It returns the status and message to show, or
// "" when the password is right.
func (d *dashboard) confirmPassword(c echo.Context, coach coaches.Coach, password string) (int, string) {
	key := strings.ToLower(coach.Email) + "\x00" + c.RealIP()
	now := d.Now()
	if ok, wait := d.signInByAccount.Allow(key, now); !ok {
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1)))
		return http.StatusTooManyRequests, "Too many wrong passwords. Please wait a little and try again."
	}
	if len(password) > maxPasswordLen || !coach.CheckPassword(password) {
		return http.StatusUnauthorized, "Enter your current password to create a token."
	}
	d.signInByAccount.Refund(key, now)
	return 0, ""
}

// maxPasswordLen bounds what is hashed when a password is confirmed.
const maxPasswordLen = 1024
