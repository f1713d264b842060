// Package notify is Roster's email: the outbox, the message templates,
// delivery over SMTP with retries, and reminder scheduling. It implements
// booking.Notifier.
//
// # Outbox
//
// Every email is a row of the outbox table, written by Enqueue in the
// transaction of the change that causes it (a booking confirmed, a date
// moved), so a message exists if and only if its change committed. Each
// row has a dedupe key naming its cause ("booking:CCL-7KQ2M9:confirmation");
// the key is unique, and Enqueue stores a key once however often it is
// called. Rows hold the rendered subject, text and HTML bodies and, for
// invites, the iCalendar file: what is sent is what was decided at the
// time of the change.
//
// # Delivery and its guarantee
//
// A Deliverer sends due messages outside any transaction, through a Sender:
// SMTPSender in production, DevMailbox when SMTP_URL is unset. Workers
// claim messages with a lease (LeaseDuration, two minutes) in a short
// transaction — SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite
// the single writer serialises claims — so several workers, in one process
// or several, never send one message at the same time. A failed attempt is
// retried with exponential backoff and jitter (the first retry within 30
// seconds, waits capped at an hour); after MaxAttempts the message is marked
// failed, and a coach can send it again with Outbox.Retry.
//
// Delivery is at least once, and exactly once per dedupe key in the normal
// case. The exception is a worker killed after the SMTP server accepted a
// message but before the worker marked it sent: the message stays
// 'sending' until its lease expires, then another worker claims it and
// sends it again. A crash therefore resends at most the message in flight
// (at worst the rest of its batch, which a killed worker leaves leased
// too); the Message-ID is the same on every attempt, so receiving systems
// can recognise the copy. An SMTP outage delays mail, never loses it.
//
// # Templates
//
// Each Kind has a text and an HTML template, embedded and parsed when a
// BookingNotifier or Reminders is built, so a broken template fails
// start-up. The HTML uses inline styles and tables, which Gmail and Outlook
// render; every value from users is escaped by html/template. Dates are
// written in the event's time zone with its abbreviation ("Wednesday 22
// September 2027, 18:00–20:00 BST").
//
// # Wiring
//
// cmd/roster builds, from one Config (ROSTER_BASE_URL, MAIL_FROM):
// a BookingNotifier for the booking service; a Deliverer over
// NewSMTPSender(SMTP_URL) or NewDevMailbox; Reminders over the booking
// package's ReminderSource; an Outbox for the admin API. Deliverer.Run and
// Reminders.Run are background workers that return when their context
// ends.
package notify
