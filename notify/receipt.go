package notify

import (
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/receipt"
)

// attachReceipt attaches the notice's receipt (a paid confirmation's) or
// credit note (a refund receipt's) as a PDF to the message to the client.
func attachReceipt(notice booking.Notice, msgs []Message) error {
	if notice.Receipt == nil || len(msgs) == 0 {
		return nil
	}
	switch notice.Kind {
	case booking.NoticeConfirmed, booking.NoticeRefunded:
	default:
		return nil
	}
	pdf, err := receipt.PDF(*notice.Receipt)
	if err != nil {
		return err
	}
	msgs[0].Attachment, msgs[0].AttachmentName = pdf, notice.Receipt.Filename()
	return nil
}
