-- How far each subscriber to the events (events/subscriber.hpp) has got: the seq of the last
-- event it handled, moved in the same transaction as what it wrote for the events.
CREATE TABLE subscriber_cursors (
  name TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
