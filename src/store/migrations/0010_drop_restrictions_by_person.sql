-- A person's restrictions are found through their summonses (summonses_by_person, then
-- restrictions_by_summons): every restriction was imposed by a summons of the same person. The
-- index by person cost a B-tree insert per restriction imposed, 300,000 in a sweep of as many
-- no-shows, and answered nothing the other two do not.
DROP INDEX IF EXISTS restrictions_by_person;
