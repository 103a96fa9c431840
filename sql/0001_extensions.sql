-- Extensions orgd's schema stands on. All are shipped with PostgreSQL (contrib) and trusted,
-- so the database owner can create them without superuser rights.
--   ltree        unit and region paths (subtree tests in one indexed operator)
--   btree_gist   exclusion constraints mixing equality and ranges (no overlapping primary posts)
--   cube         points and boxes, for nearest-site search in the service network
-- (earthdistance is not a trusted extension, so great-circle distance is a plain SQL function
-- where the service network needs it, and the owner role needs no superuser rights.)
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS cube;
