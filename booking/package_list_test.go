package booking_test

import (
	"context"
	"testing"

	"github.com/roster-app/roster/booking"
)

func TestTypePackages(t *testing.T) {
	fx := newPackageFixture(t)
	ctx := context.Background()
	pair := fx.createPackage(t, "pair", 2, 12000) // £60 a call, cheaper than four-chats' £75
	if _, err := fx.svc.CreatePackage(ctx, fx.coach.ID, booking.PackageInput{Slug: "draft-pack", Title: "Draft",
		AppointmentType: "career-chat", Credits: 1, Status: booking.PackageDraft}); err != nil {
		t.Fatal(err)
	}
	typeID := fx.pkg.AppointmentTypeID
	got, err := fx.svc.TypePackages(ctx, typeID)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, p := range got {
		slugs = append(slugs, p.Slug)
	}
	if len(slugs) != 2 || slugs[0] != pair.Slug || slugs[1] != "four-chats" {
		t.Errorf("got %v, want the published packages cheapest per call first: [pair four-chats]", slugs)
	}
	if none, err := fx.svc.TypePackages(ctx, typeID+1000); err != nil || len(none) != 0 {
		t.Errorf("another type: %v %v", none, err)
	}
}
