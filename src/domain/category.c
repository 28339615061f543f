/*
 * category.c - the default category table and VAT rule names.
 */
#include "bursar/category.h"

#include <stdlib.h>
#include <string.h>

static const char *const rule_names[VAT_RULE_COUNT] = {
	[VAT_INVOICE] = "invoice",
	[VAT_FARE_9] = "fare_9",
	[VAT_FARE_3] = "fare_3",
	[VAT_NONE] = "none",
};

const char *vat_rule_name(enum vat_rule r)
{
	return (unsigned)r < VAT_RULE_COUNT ? rule_names[r] : "?";
}

int vat_rule_from_name(const char *name)
{
	for (int r = 0; r < VAT_RULE_COUNT; r++)
		if (name && !strcmp(rule_names[r], name))
			return r;
	return -1;
}

/* Rail and air VAT per 公告2019年第39号; meals and entertainment are never deductible. */
const struct category category_defaults[] = {
	{ "travel.air", "机票", "Air fare", "660201", "管理费用—差旅费", VAT_FARE_9 },
	{ "travel.rail", "火车票", "Rail fare", "660201", "管理费用—差旅费", VAT_FARE_9 },
	{ "travel.road", "汽车/船票", "Road and water fare", "660201", "管理费用—差旅费", VAT_FARE_3 },
	{ "lodging", "住宿费", "Lodging", "660201", "管理费用—差旅费", VAT_INVOICE },
	{ "taxi", "市内交通", "Taxi and local transport", "660202", "管理费用—交通费", VAT_INVOICE },
	{ "meals", "餐费", "Meals", "660201", "管理费用—差旅费", VAT_NONE },
	{ "allowance", "出差补助", "Travel allowance", "660201", "管理费用—差旅费", VAT_NONE },
	{ "office", "办公费", "Office supplies", "660203", "管理费用—办公费", VAT_INVOICE },
	{ "entertainment", "业务招待费", "Business entertainment", "660204", "管理费用—业务招待费", VAT_NONE },
	{ "training", "培训费", "Training", "660205", "管理费用—培训费", VAT_INVOICE },
	{ "communication", "通讯费", "Telephone and internet", "660206", "管理费用—通讯费", VAT_INVOICE },
	{ "other", "其他", "Other", "660299", "管理费用—其他", VAT_INVOICE },
	{ CATEGORY_ADVANCE, "借款", "Advance", "1221", "其他应收款", VAT_NONE },
};
const int category_default_count = (int)(sizeof(category_defaults) / sizeof(category_defaults[0]));

const struct category *category_find(const struct category *items, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(items[i].code, code))
			return &items[i];
	return NULL;
}

const char *category_name(const struct category *c, const char *code, const char *lang)
{
	if (!c)
		return code;
	return lang && !strcmp(lang, "en") ? c->name_en : c->name_zh;
}

void category_set_release(struct category_set *set)
{
	free(set->items);
	set->items = NULL;
	set->n = 0;
}
