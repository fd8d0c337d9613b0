DROP TABLE users;
DROP TABLE official_accounts;
DROP TABLE regions;
DROP TABLE categories;
DROP TABLE divisions;
DROP TABLE agencies;
DROP TABLE jurisdictions;
