# Dates read the same on every page (issue 12): "2027年2月10日" in Japanese.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 G:i"
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "Y年n月j日 G:i"
YEAR_MONTH_FORMAT = "Y年n月"
