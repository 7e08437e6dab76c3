"""Request bodies from the platform's documentation (v2 and v1.1 transaction pages), replayed as sent."""
from __future__ import annotations

import copy

V2_REGULAR = {
    "type": "REGULAR", "billNumber": "num-1234", "discount": "10", "billAmount": "200", "note": "This is test",
    "grossAmount": "110", "deliveryStatus": "SHIPPED", "userGroup2Id": 1949, "userGroup2PrimaryUserId": 414936033,
    "userGroup2ExternalId": "",
    "paymentModes": [{"mode": "Card Payment", "value": 5104, "notes": "Sample notes",
                      "attributes": {"card_type": "Visa"}}],
    "extendedFields": {"ship_first_name": "Ram", "ship_last_name": "Singh", "checkin_date": "2010-06-04 21:08:12",
                       "checkout_date": "2010-06-05 21:08:12"},
    "customFields": {"paymentmode": "cash"},
    "lineItemsV2": [
        {"itemCode": "sku_234_2", "amount": 100.5, "rate": 100.5, "qty": 1.0,
         "extendedFields": {"MetalRate": "22.02", "GrossWeight": "10.50"}},
        {"itemCode": "sku_sdf_10", "amount": 100.5, "rate": 100.5, "qty": 1.0,
         "extendedFields": {"MetalRate": "22.02", "GrossWeight": "10.50"}},
    ],
    "promotionEvaluationId": "60f5713c4c5cb92ab2da320e",
    "loyaltyPromotionIdentifiers": ["ABC-12345", "Diwali_Promotion_2020", "New_Year_Promotion_2020"],
    "appliedPromotionIdentifiers": ["eyJwcm9tb3Rpb25JZCI6IjYxMmU1YzVlNDEzM2I1NmFiZTBmMDczZSJ9"],
}

V2_CONTRACT_REGULAR = {
    "type": "REGULAR", "billNumber": "num-1234", "billingDate": "2021-11-10T23:08:49+05:30", "discount": "10",
    "billAmount": "200", "note": "This is a transaction", "grossAmount": "110", "deliveryStatus": "SHIPPED",
    "paymentModes": [{"mode": "Card Payment", "value": 5104, "notes": "Sample notes",
                      "attributes": {"card_type": "Visa"}}],
    "customFields": {"paymentmode": "cash"},
    "lineItemsV2": [{"itemCode": "sku_234_2", "amount": 100.5, "rate": 100.5, "qty": 1.0, "value": 100.5}],
}

V2_MIXED = {
    "type": "REGULAR", "billNumber": "bill00076", "discount": "100", "billAmount": "1900", "note": "this is test",
    "grossAmount": "2000", "deliveryStatus": "DELIVERED", "userGroup2Id": 98765, "userGroup2PrimaryUserId": "",
    "userGroup2ExternalId": "",
    "lineItemsV2": [
        {"amount": 1200, "parentBillNumber": "bill00075", "returnType": "LINE_ITEM", "type": "RETURN",
         "description": "blue large jeans", "discount": 0, "itemCode": "ITEMJEANS0005", "qty": 1, "rate": 1200,
         "serial": 1, "value": 1200, "returnable": False, "returnableDays": 0, "customFields": {}, "imgUrl": ""},
        {"amount": 6570, "type": "REGULAR", "description": "blue large jeans", "discount": 0,
         "itemCode": "ITEMJEANS0ih05", "qty": 1, "rate": 1200, "serial": 1, "value": 1200, "returnable": False,
         "returnableDays": 0, "customFields": {}, "imgUrl": ""},
    ],
    "promotionEvaluationId": "", "appliedPromotionIdentifiers": [""],
}

V2_NOT_INTERESTED = {
    "type": "NOT_INTERESTED", "billNumber": "bill12345", "purchaseTime": "", "discount": "100", "billAmount": "1900",
    "note": "this is test", "grossAmount": "2000", "deliveryStatus": "DELIVERED",
    "lineItemsV2": [
        {"amount": 1200000000, "parentBillNumber": "", "returnType": "", "type": "", "description": "blue large jeans",
         "discount": 0, "itemCode": "ITEMJEANS0005", "qty": 1, "rate": 1200, "serial": 1, "value": 1200,
         "returnable": False, "returnableDays": 0, "customFields": {}, "imgUrl": ""},
        {"amount": 6570, "type": "", "description": "blue large jeans", "discount": 0, "itemCode": "ITEMJEANS0ih05",
         "qty": 1, "rate": 1200, "serial": 1, "value": 1200, "returnable": False, "returnableDays": 0,
         "customFields": {}, "imgUrl": ""},
    ],
    "paymentModes": [{}], "promotionEvaluationId": "", "appliedPromotionIdentifiers": [""],
}

V2_NI_RETURN = {
    "type": "NOT_INTERESTED_RETURN", "billNumber": "test00notinterested001", "id": "323301425",
    "returnType": "LINE_ITEM", "discount": "0", "billAmount": "6000", "billingDate": "2025-04-08T12:00:00Z",
    "purchaseTime": "2025-04-08T11:00:00Z", "grossAmount": "6000",
    "lineItemsV2": [{"itemCode": "model_id_001", "amount": 2000.0, "rate": 500.0, "qty": 4.0, "value": 2000.0}],
}

V2_BULK = [{
    "identifierType": "mobile", "identifierValue": "919999988886", "source": "INSTORE", "accountId": "",
    "type": "REGULAR", "billNumber": "test00transact087", "billingDate": "2025-04-11T11:00:00+05:30",
    "billAmount": "6000.0", "grossAmount": "110",
    "lineItemsV2": [{"itemCode": "model_id_001", "amount": 2000.0, "rate": 500.0, "qty": 4, "value": 2000.0}],
}]

V2_UPDATE = {"id": 2148327179, "number": "bill00009", "customFields": {}, "extendedFields": {},
             "loyaltyPromotionIdentifiers": [], "deliveryStatus": "PLACED", "tillCode": "mobilepush.1"}

V11_ADD = {"root": {"transaction": [{
    "bill_client_id": "", "type": "regular", "number": "test00transact071", "amount": "6000", "currency_code": "INR",
    "notes": "Transaction number 70", "gross_amount": "7000", "outlier_status": "NORMAL", "source": "INSTORE",
    "not_interested_reason": "", "discount": "1000", "redemptions": {"points_redemptions": {"id": []}},
    "line_items": {"line_item": [{
        "serial": "1", "amount": "2000", "description": "Steel Bottle", "item_code": "model_id_001",
        "qty": "0.000875", "rate": "500", "value": "2000", "discount": "0", "notes": [], "attributes": "",
        "extended_fields": {"field": []}}]},
    "customer": {"mobile": "9999988886", "email": "testusertjone@gmail.com", "external_id": "0000011110",
                 "firstname": "Tjuser", "lastname": "eightysix"},
}]}}

V11_RETURN = {"root": {"transaction": {
    "type": "return", "country": "true", "number": "BILL98", "not_interested_reason": "Example reason",
    "return_type": "AMOUNT", "parent_bill_number": "RE123", "purchase_time": "2018-04-01", "amount": "500",
    "billing_time": "2018-05-31",
    "customer": {"mobile": "919999000000", "email": "", "external_id": "", "firstname": "Tom", "lastname": "Sawyer"},
    "line_items": {"line_item": {"serial": "1", "amount": "500", "description": "soap", "item_code": "item-001",
                                 "qty": "50", "rate": "10", "value": "500",
                                 "attributes": {"attribute": {"name": "brand", "value": "Levis"}}}},
    "custom_fields_data": {"custom_data_item": {"field_name": "paymentmode", "field_value": "CASH"}},
    "associate_details": {},
}}}

V11_MIXED = {"root": {"transaction": [{
    "type": "mixed", "number": "Exch-1112", "amount": "500", "notes": "1 line items",
    "billing_time": "2018-09-26 20:10:00", "gross_amount": "500", "discount": "0",
    "customer": {"mobile": "9540000000", "email": "", "external_id": "", "firstname": "", "lastname": ""},
    "payment_details": {"payment": [
        {"mode": "CASH", "value": "200"},
        {"mode": "Card", "value": "200", "attributes": {"attribute": [
            {"name": "card_type", "value": "Debit Card"}, {"name": "bankName", "value": "BCA"},
            {"name": "CardIssuerCode", "value": "value345"}]}, "notes": "notes_602656"}]},
    "custom_fields": {"field": []},
    "line_items": {"line_item": [
        {"type": "regular", "serial": "1", "amount": "300", "description": "Testdesc04", "item_code": "code04",
         "variant": "", "qty": "1", "rate": "300", "value": "300"},
        {"type": "return", "return_type": "LINE_ITEM", "transaction_number": "RC-15",
         "transaction_date": "2018-09-25 10:10:10", "serial": "1", "amount": "50", "description": "Testdesc02",
         "item_code": "code02", "variant": "", "qty": "1", "rate": "50", "value": "50"}]},
}]}}

V11_CANCEL_LINE = {"transaction": {
    "comment": "cancel line_item",
    "customer": {"mobile": "919111111111", "lastname": "Sawyer", "external_id": "ts8674477501",
                 "email": "tom.sawyer@example.com", "firstname": "Tom"},
    "line_items": {"line_item": {"description": "Ordered a different item", "rate": "50", "value": "50", "qty": "1",
                                 "amount": "50", "item_code": "number0-1", "cashier_id": [], "discount_value": "0",
                                 "return_type": "cancelled", "type": "return", "serial": "0"}},
    "notes": "one line item cancel", "billing_time": "2018-02-14", "number": "numbr8674477501",
    "return_type": "cancelled", "type": "return",
}}

V11_LOCAL_CURRENCY = {"root": {"transaction": [{
    "customer": {"mobile": "91000000099", "email": "john@example.com", "firstname": "autofn_7353409276"},
    "billing_time": "2016-01-21", "type": "regular", "gross_amount": "1000", "number": "numbr735ccdcdb34",
    "bill_client_id": "1121", "discount": "0", "amount": "2000",
    "credit_note": {"amount": "1800", "notes": "Reason for credit", "number": "numbr9959104543"},
    "notes": "Regular Bill with Payment Details",
}]}}

V11_UPDATE = {"root": {"transaction": [
    {"id": "123234", "number": "BILL-001", "type": "REGULAR", "notes": "",
     "customer": {"id": "34897", "mobile": "44700900999", "email": "earnshaw.catherine@example.com",
                  "external_id": "ec1234"},
     "extended_fields": {"field": [{"name": "CentralGST", "value": "8.5"}, {"name": "cashier_id", "value": "12345678"}]},
     "custom_fields": {"field": [{"name": "Earnshaw Catherine", "value": "value2"},
                                 {"name": "Favorite Color", "value": "Green"}]}},
]}}


def sample(body):
    """A fresh deep copy (tests adjust numbers and dates to their own data)."""
    return copy.deepcopy(body)
