package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
)

// TestReceiptsHTTP: a VAT-registered coach's paid booking gets a VAT
// invoice, listed by the API, shown on a printable page and served as a
// PDF whose text (read by pdftotext) names the invoice.
func TestReceiptsHTTP(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	if status, raw := e.do("PUT", "/api/v1/admin/tax", e.jamesToken, `{"registered": true, "tax_id": "GB123456789",
		"rate_basis_points": 2000, "inclusive": false, "business_name": "James Downer Coaching", "business_address": "1 High Street\nLondon"}`); status != 200 {
		t.Fatalf("set tax: %d %s", status, raw)
	}
	if status, raw := e.do("PUT", "/api/v1/admin/tax", e.jamesToken, `{"registered": true, "tax_id": "GB12"}`); status != 422 || !strings.Contains(raw, `"tax_id"`) {
		t.Errorf("a bad VAT number: %d %s", status, raw)
	}
	status, raw := e.do("POST", "/api/v1/bookings", "", `{"session_id": 1, "name": "Ada Lovelace", "email": "ada@example.com", "seats": 2}`)
	var booked struct {
		Ref         string `json:"ref"`
		AmountCents int64  `json:"amount_cents"`
		ManageURL   string `json:"manage_url"`
		CheckoutURL string `json:"checkout_url"`
	}
	if err := json.Unmarshal([]byte(raw), &booked); status != 201 || err != nil || booked.AmountCents != 11760 {
		t.Fatalf("book: %d %s; want 9800 plus 20%% VAT", status, raw)
	}
	token := manageToken(booked.ManageURL)
	checkout, _ := url.Parse(booked.CheckoutURL)
	resp, err := noRedirects.PostForm(e.srv.URL+checkout.Path+"/pay?ref="+booked.Ref, url.Values{"t": {token}})
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("pay: %v %v", resp, err)
	}
	resp.Body.Close()

	status, raw = e.do("GET", "/api/v1/bookings/"+booked.Ref+"/receipts?t="+url.QueryEscape(token), "", "")
	var docs []struct {
		Number     string `json:"number"`
		Title      string `json:"title"`
		TaxCents   int64  `json:"tax_cents"`
		GrossCents int64  `json:"gross_cents"`
		PDFURL     string `json:"pdf_url"`
	}
	if err := json.Unmarshal([]byte(raw), &docs); status != 200 || err != nil || len(docs) != 1 {
		t.Fatalf("receipts: %d %s", status, raw)
	}
	if d := docs[0]; d.Number != "R-000001" || d.Title != "VAT invoice" || d.TaxCents != 1960 || d.GrossCents != 11760 {
		t.Errorf("receipt %+v", d)
	}
	status, page := e.do("GET", "/bookings/"+booked.Ref+"/receipts?t="+url.QueryEscape(token), "", "")
	for _, want := range []string{"VAT invoice R-000001", "VAT number: GB123456789", "James Downer Coaching", "£117.60", "R-000001.pdf"} {
		if status != 200 || !strings.Contains(page, want) {
			t.Errorf("printable page %d lacks %q", status, want)
		}
	}
	pdfURL, _ := url.Parse(docs[0].PDFURL)
	resp, err = http.Get(e.srv.URL + pdfURL.RequestURI())
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	text, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (Debian poppler-utils): %v", err)
	}
	for _, want := range []string{"VAT invoice", "R-000001", "GB123456789", "Ada Lovelace", "£117.60"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if status, _ := e.do("GET", "/bookings/"+booked.Ref+"/receipts/R-000001.pdf?t=wrong", "", ""); status != 404 {
		t.Errorf("the PDF with a wrong token: %d, want 404", status)
	}
}

func manageToken(manageURL string) string {
	u, _ := url.Parse(manageURL)
	return u.Query().Get("t")
}
