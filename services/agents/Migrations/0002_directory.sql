-- Directory: teams, users (members of teams), locations, permission grants, sign-in state.
CREATE TABLE teams (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX teams_tenant ON teams (tenant_id);

CREATE TABLE users (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash text,
    roles text[] NOT NULL DEFAULT '{member}',
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Sign-in is by email alone, so an email names one user across all tenants.
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_tenant ON users (tenant_id);

CREATE TABLE team_members (
    team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE locations (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_tenant ON locations (tenant_id);

-- scope 'tenant': subject_id null, effect grant; 'user': subject_id = user, grant or deny; 'location': subject_id = location, grant.
CREATE TABLE permission_grants (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    scope text NOT NULL CHECK (scope IN ('tenant', 'user', 'location')),
    subject_id uuid,
    permission text NOT NULL CHECK (permission ~ '^[a-z][a-z0-9_-]{0,63}:[a-z][a-z0-9_-]{0,63}$'),
    effect text NOT NULL DEFAULT 'grant' CHECK (effect IN ('grant', 'deny')),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope = 'tenant') = (subject_id IS NULL)),
    CHECK (effect = 'grant' OR scope = 'user'),
    UNIQUE NULLS NOT DISTINCT (tenant_id, scope, subject_id, permission)
);

CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id uuid NOT NULL,
    token_hash bytea NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix text NOT NULL UNIQUE,
    key_hash bytea NOT NULL,
    roles text[] NOT NULL DEFAULT '{member}',
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
