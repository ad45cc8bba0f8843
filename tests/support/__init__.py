"""Helpers shared by the test folders: loopback servers, archive fakes, post expectations."""
