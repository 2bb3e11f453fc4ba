DROP INDEX complaints_consumer_phone;
DROP TABLE phone_codes;
