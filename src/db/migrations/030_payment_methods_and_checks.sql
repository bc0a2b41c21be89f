-- How each payment attempt is paid (jsapi, mp, h5, native, wap, page, dev), and when the provider is
-- next asked about it: a callback may be lost, so an attempt still open is queried on a backoff.
ALTER TABLE payments ADD COLUMN method text;
UPDATE payments SET method = CASE WHEN provider = 'dev' THEN 'dev' ELSE 'native' END;
ALTER TABLE payments ALTER COLUMN method SET NOT NULL;
ALTER TABLE payments ADD COLUMN next_check_at timestamptz;
ALTER TABLE payments ADD COLUMN checks integer NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN closed_at timestamptz;
CREATE INDEX payments_open_by_check ON payments (next_check_at) WHERE status = 'created';

-- Refund requests (buyers' refunds and payment returns) as sent to the provider: a call that failed or
-- was never answered is sent again under the same refund number, on a backoff, and the still-processing
-- ones are queried. One row per refund number.
CREATE TABLE refund_provider_calls (
  refund_no text PRIMARY KEY,
  tries integer NOT NULL DEFAULT 0,
  next_try_at timestamptz NOT NULL,
  last_error text,
  updated_at timestamptz NOT NULL
);
CREATE INDEX refund_provider_calls_due ON refund_provider_calls (next_try_at);
