package store

import "context"

// ActorPerson is the person behind an actor's token id, as the four-eyes
// rule sees them: a token's person, a console session's person
// (candor.SessionActor), or for an actor that is no token (the command
// line, the worker) "actor:<id>", which is nobody's person id. The console
// uses it to say in plain words why an approval is refused.
func (db *DB) ActorPerson(ctx context.Context, tokenID string) (string, error) {
	return db.personOf(ctx, tokenID)
}
