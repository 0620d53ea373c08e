-- Client search through an index (store/search.go). Keep in step with sqlite/0032_client_search.sql.
-- Every three-character piece of a client's search_text that holds no space, kept by the store in the
-- same transaction as search_text itself; a search reads the postings of its words' trigrams.
CREATE TABLE client_trigrams (
    trigram    TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES clients(id),
    PRIMARY KEY (trigram, client_id)
);
CREATE INDEX client_trigrams_client ON client_trigrams (client_id);

-- The clients registered before this migration. substr and length count characters, as the store does.
INSERT INTO client_trigrams (trigram, client_id)
WITH RECURSIVE n(i) AS (
    SELECT 1
    UNION ALL
    SELECT i + 1 FROM n WHERE i < (SELECT COALESCE(MAX(length(search_text)), 0) FROM clients)
)
SELECT DISTINCT substr(c.search_text, n.i, 3), c.id
FROM clients c JOIN n ON n.i <= length(c.search_text) - 2
WHERE substr(c.search_text, n.i, 3) NOT LIKE '% %';
