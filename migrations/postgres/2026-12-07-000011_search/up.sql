-- The lists' search box finds complaints by order number exactly, the
-- merchant's and the supervisors' alike, newest first. (A reference is
-- found by complaints_reference, a phone number by
-- complaints_consumer_phone; the merchant's own are picked from what the
-- key found, `store::search::of_merchant`, rather than by a second column
-- here, which every complaint filed would pay for.)
CREATE INDEX complaints_order_ref ON complaints (order_ref, id);
