-- The organizations that bill the caller (its parent, its reseller, its distributor), read as the
-- owner from the caller's own row: a policy on organizations cannot query organizations itself
-- (recursion). Only ids come out, and only the caller's own ancestors.
CREATE OR REPLACE FUNCTION cascade_org_ancestors() RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT coalesce(array_remove(array_remove(ARRAY[o.parent_id, o.reseller_id, o.distributor_id], NULL), o.id), '{}')
  FROM organizations o
  WHERE o.distributor_id = current_setting('app.distributor_id', true)
    AND o.id = current_setting('app.org_id', true)
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION cascade_org_ancestors() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cascade_org_ancestors() TO cascade_app;--> statement-breakpoint
CREATE POLICY "ancestors_read" ON "organizations" AS PERMISSIVE FOR SELECT TO "cascade_app" USING ("organizations"."distributor_id" = current_setting('app.distributor_id', true) and "organizations"."id" = any(cascade_org_ancestors()));--> statement-breakpoint
SELECT cascade_secure_tables();
