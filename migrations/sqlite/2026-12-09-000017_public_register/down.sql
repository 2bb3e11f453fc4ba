DROP TABLE register_terms;
DROP TABLE register_entries;
