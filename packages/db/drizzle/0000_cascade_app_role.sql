-- The application's role: NOLOGIN, owns nothing; the tenant policies apply to it. Roles belong to
-- the cluster and outlive any one database, and databases may be migrated concurrently, hence the
-- existence check and the tolerated race.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cascade_app') THEN
    BEGIN
      CREATE ROLE cascade_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
END
$$;
--> statement-breakpoint
-- The connecting user must be able to SET ROLE cascade_app.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'cascade_app', 'MEMBER') THEN
    EXECUTE format('GRANT cascade_app TO %I', current_user);
  END IF;
END
$$;
