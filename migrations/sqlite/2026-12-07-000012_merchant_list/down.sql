DROP TABLE job_positions;
DROP TABLE merchant_figures;
