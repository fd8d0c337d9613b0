DROP TABLE sla_counts;
