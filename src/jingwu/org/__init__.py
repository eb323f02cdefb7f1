"""Organisation: district centre → street station → community station (ORG-1..ORG-4)."""
