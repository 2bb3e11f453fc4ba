DROP INDEX incident_complaints_complaint;
DROP TABLE incident_complaints;
DROP INDEX incidents_state_opened;
DROP INDEX incidents_subject;
DROP INDEX incidents_one_open;
DROP TABLE incidents;
