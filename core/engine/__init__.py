"""The only writer of state: transitions, versions, history, outbox rows."""
