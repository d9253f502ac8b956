-- The delivery event of a summons (receipts) is found through events_by_subject (0005): a
-- summons has a handful of events, read in order. The partial index events_delivery that 0003
-- made for it cost a B-tree insert per delivery and answered nothing the other does not.
DROP INDEX IF EXISTS events_delivery;
