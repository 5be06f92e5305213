"""Attacking aircraft: routes, raids, strikes and return fire."""
