-- Wall 2 (ARCHITECTURE.md): every table with row-level security gets it FORCEd and is granted to
-- cascade_app; append-only tables (documents, ledger entries, audit) get SELECT and INSERT only, so
-- corrections are new documents. Tables without RLS get no grant at all. Every later migration that
-- adds tables ends with `SELECT cascade_secure_tables();`.
CREATE OR REPLACE FUNCTION cascade_secure_tables() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
  append_only text[] := ARRAY['payments', 'allocations', 'refunds', 'transfers', 'write_offs',
                              'ledger_entries', 'audit_log'];
BEGIN
  EXECUTE 'GRANT USAGE ON SCHEMA public TO cascade_app';
  FOR r IN
    SELECT c.relname, c.relrowsecurity
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('REVOKE ALL ON %I FROM cascade_app', r.relname);
    IF r.relrowsecurity THEN
      EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', r.relname);
      IF r.relname = ANY (append_only) THEN
        EXECUTE format('GRANT SELECT, INSERT ON %I TO cascade_app', r.relname);
      ELSE
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO cascade_app', r.relname);
      END IF;
    END IF;
  END LOOP;
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO cascade_app';
END
$$;
--> statement-breakpoint
SELECT cascade_secure_tables();
