DROP INDEX tickets_status_queue;
DROP INDEX tickets_filer_queue;
DROP INDEX tickets_division_queue;
DROP INDEX tickets_agency_queue;
