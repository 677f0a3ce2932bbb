-- A redelivery names the delivery it repeats by that one's public id, the id its API and receivers know.
ALTER TABLE hook_deliveries ADD COLUMN redelivery_of uuid;
