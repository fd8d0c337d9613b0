DROP TABLE activities;
DROP TABLE patrols;
DROP TABLE patrol_slots;
