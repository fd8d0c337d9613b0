DROP TABLE revoked_tokens;
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
DROP TABLE audit_log;
-- Webhooks deleted since keep their rows; they go now, with their deliveries.
DELETE FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM webhooks WHERE deleted_at IS NOT NULL);
DELETE FROM webhooks WHERE deleted_at IS NOT NULL;
ALTER TABLE webhooks DROP COLUMN deleted_at;
