DROP INDEX complaints_order_ref;
