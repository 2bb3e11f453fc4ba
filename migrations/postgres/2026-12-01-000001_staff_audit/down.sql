DROP TABLE staff_audit;
DROP FUNCTION staff_audit_append_only();
