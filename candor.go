// Package candor holds Candor's domain: incidents and their timeline, affected
// customers, disclosures and their revisions, sends and deliveries, public
// statements and legal obligations; their rules and state machines; and the
// error codes every other package maps to its own world (HTTP status, task
// retry policy, exit code).
//
// It imports only the standard library: storage (store/), HTTP (api/), queues
// (jobs/) and mail (mail/) depend on it, never the other way round.
package candor
