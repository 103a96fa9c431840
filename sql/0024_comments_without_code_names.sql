-- Database comments say what an object is for in the database's own terms: two comments of 0015
-- named the server's Swift functions, which move and get renamed while the schema stays. Applied
-- files are checksummed and never edited, so the comments are replaced here. (0019's file
-- comment names one too; it is a file comment, not stored in the database, and stays as written.)

COMMENT ON FUNCTION orgd_today() IS
    'Today in UTC: the server''s default effective date and as_of.';
COMMENT ON INDEX person_versions_by_start IS
    'A person''s versions latest first, covering: a chart names the holders of its seats with one index-only scan of person_id = ANY ($1), which the exclusion constraint''s GiST cannot answer.';
