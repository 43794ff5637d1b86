"""The domain: what a workshop is made of, as plain types and rules.

Sessions and teams, sites, the category taxonomy, concepts and their features, shape checks
and repair, rounds, dot votes, access tokens, presence and the editing of a concept. Nothing
here reads a store, draws a map or imports Streamlit; everything is unit-tested on its own.
"""
