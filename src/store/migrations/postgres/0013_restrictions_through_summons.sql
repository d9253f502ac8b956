-- A restriction's person is its summons' person (see the shared 0013): the column and its
-- foreign key go; the identity column and the indexes stay as they are.
ALTER TABLE restrictions DROP COLUMN person_id;
