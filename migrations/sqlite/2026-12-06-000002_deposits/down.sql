DROP TABLE deposit_restrictions;
DROP TABLE deposit_entries;
DROP TABLE deposit_requirements;
