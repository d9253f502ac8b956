-- A person's history: the events about their national ID and their summonses' numbers
-- (Tx::ListEventsAbout). Numbers grow with their ids, so most inserts append at the index's end.
CREATE INDEX events_by_subject ON events (subject, seq);
