// Package ledger is soberana's budget and billing: it commits (encumbers) a
// workload's forecast on its budget line when the workload is created or
// approved, meters the time each replica runs as usage intervals, rates
// those intervals into charges at the price and exchange rate in force, and
// keeps all of it as append-only ledger lines from which it derives budget
// balances, monthly statements and budget alerts.
//
// It implements workload.Budget and workload.Meter, the two seams the
// workload service calls inside its own transactions, so a commitment and
// the state change that caused it are one fact, and an interval opens or
// closes with the placement's transition to or from running.
//
// # Conventions (docs/money.md has the full text)
//
//   - Money is exact: package money's Amount (int64 minor units), Decimal
//     and Exact; no binary float anywhere (TestNoFloatInMoneyPaths).
//   - The commitment of a workload is its forecast monthly cost pro-rated by
//     the seconds left in the budget line's fiscal year over the seconds of
//     a 730-hour month, rounded half-even once, when booked.
//   - Rating is a separate, idempotent step: each charge line's id is
//     charge/<interval>/<segment start>, where segments are cut at month
//     starts, price changes and exchange-rate changes, so re-running rating
//     (after a crash, or concurrently) books nothing twice.
//   - Each booked line is rounded on its own (half-even); totals are sums of
//     booked lines.
//   - A closed month is immutable: usage rated after its closure is booked
//     into the first open month after it.
package ledger
