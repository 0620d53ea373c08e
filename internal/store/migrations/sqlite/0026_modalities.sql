-- A center's own treatment-plan modalities, beside the built-in list (plan.Modalities). Keep in step with the
-- other engine's 0026_modalities.sql (only the types differ). A plan version keeps the name it was saved with.
CREATE TABLE modalities (
    code        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL
);
