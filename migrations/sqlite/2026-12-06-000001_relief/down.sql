DROP TABLE reliefs;
